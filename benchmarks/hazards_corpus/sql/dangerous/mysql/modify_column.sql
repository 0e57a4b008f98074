-- mysql/modify column
ALTER TABLE `orders` MODIFY COLUMN `total` DECIMAL(12,2) NOT NULL;
