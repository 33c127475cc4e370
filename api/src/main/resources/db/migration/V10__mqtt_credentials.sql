-- A vehicle token is also the vehicle's MQTT credential (issue 14): Mosquitto's password file
-- cannot read bcrypt, so a vehicle token gets a second hash of the same token in the form the
-- broker reads ($7$: PBKDF2-HMAC-SHA512), made when the token is made. Other roles never sign in
-- to the broker. Vehicle tokens made before this version have none: they work over HTTP only
-- until they are made again.
ALTER TABLE api_token ADD COLUMN mqtt_hash text CHECK (mqtt_hash IS NULL OR (role = 'vehicle' AND mqtt_hash LIKE '$7$%'));
