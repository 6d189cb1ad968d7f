DROP TABLE service_favourites;
DROP TABLE cas_sign_ons;
