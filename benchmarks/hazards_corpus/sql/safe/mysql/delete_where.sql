-- mysql/delete where
DELETE FROM `sessions` WHERE `expires_at` < NOW();
