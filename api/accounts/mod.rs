//! Accounts: activation by phone verification, the password policy, recovery, two-factor.

pub mod codes;
pub mod password;
pub mod store;
