<?php
// A campus application protected by phpCAS (Debian's php-cas), on loopback. The ENT's address
// comes from the ENT_BASE environment variable; phpCAS builds https:// server addresses, so
// the login and validation addresses are given whole.
require_once 'CAS.php';
$base = getenv('ENT_BASE');
$self = 'http://' . $_SERVER['HTTP_HOST'];
phpCAS::client(CAS_VERSION_3_0, parse_url($base, PHP_URL_HOST), parse_url($base, PHP_URL_PORT), '/cas', $self);
phpCAS::setServerLoginURL($base . '/cas/login?service=' . urlencode($self . '/'));
phpCAS::setServerServiceValidateURL($base . '/cas/p3/serviceValidate');
phpCAS::setNoCasServerValidation();
// Single Logout from the ENT's address (loopback here).
phpCAS::handleLogoutRequests(true, array('127.0.0.1', 'localhost', '::1'));
phpCAS::forceAuthentication();
header('Content-Type: application/json');
echo json_encode(array('user' => phpCAS::getUser(), 'attributes' => phpCAS::getAttributes()));
