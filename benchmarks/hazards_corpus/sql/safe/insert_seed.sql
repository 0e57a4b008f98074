-- insert seed
INSERT INTO plans (name, price) VALUES ('free', 0), ('pro', 20);
