-- mysql/drop column
ALTER TABLE `users` DROP COLUMN `legacy_id`;
