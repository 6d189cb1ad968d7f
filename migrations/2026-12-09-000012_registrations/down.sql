DROP TABLE card_photos;
DROP TABLE registrations;
