//! Accounts: activation by phone verification, the password policy, recovery, two-factor.

pub mod activation;
pub mod change;
pub mod codes;
pub mod messages;
pub mod notices;
pub mod password;
pub mod phone_verification;
pub mod policy;
pub mod recovery;
pub mod store;
pub mod texts;
pub mod two_factor;

/// This feature's operations in the API document.
pub type Api = (
    policy::PasswordPolicyApi,
    activation::ActivationApi,
    recovery::RecoveryApi,
    change::PasswordChangeApi,
    two_factor::TwoFactorApi,
    phone_verification::PhoneVerificationApi,
);
