"""Decision: the policy (rules with CEL conditions) turns facts into requirements."""
