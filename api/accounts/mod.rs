//! Accounts: activation by phone verification, the password policy, recovery, two-factor.

pub mod activation;
pub mod codes;
pub mod messages;
pub mod password;
pub mod policy;
pub mod store;
