-- mysql/add column instant
ALTER TABLE `orders` ADD COLUMN `note` VARCHAR(200) NULL, ALGORITHM=INSTANT;
