"""What countersign remembers per repository between runs, read and written at the edge: the
import-scan cache, the risk model and the mined history. Losing any of it costs only time."""
