-- mysql/rename table
RENAME TABLE `customers` TO `clients`;
