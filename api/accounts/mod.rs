//! Accounts: activation by phone verification, the password policy, recovery, two-factor.

pub mod activation;
pub mod change;
pub mod codes;
pub mod messages;
pub mod password;
pub mod phone_verification;
pub mod policy;
pub mod recovery;
pub mod store;
pub mod two_factor;
