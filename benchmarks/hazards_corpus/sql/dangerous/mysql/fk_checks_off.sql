-- mysql/fk checks off
SET FOREIGN_KEY_CHECKS = 0;
DELETE FROM `orders` WHERE `id` < 100;
SET FOREIGN_KEY_CHECKS = 1;
