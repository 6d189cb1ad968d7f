//! The texts of SMS and e-mails about accounts, in the person's language.

use crate::{config::Config, couriers::Message, i18n::Lang};

/// `@host #code` lets phones offer the code for autofill (WebOTP).
fn web_otp_line(config: &Config, code: &str) -> String {
    let host = config
        .http
        .public_url
        .as_str()
        .split_once("://")
        .map_or("", |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    format!("@{host} #{code}")
}

fn sms(recipient: &str, body: String) -> Message {
    Message {
        channel: crate::couriers::Channel::Sms,
        recipient: recipient.to_string(),
        subject: None,
        body,
    }
}

pub fn activation_code(config: &Config, lang: Lang, phone: &str, code: &str) -> Message {
    let name = config.university.short_name.as_str();
    let text = match lang {
        Lang::Fr => format!(
            "{name} : votre code d’activation est {code}. Il expire dans 10 minutes. Ne le communiquez à personne."
        ),
        Lang::En => format!(
            "{name}: your activation code is {code}. It expires in 10 minutes. Never share it."
        ),
    };
    sms(phone, format!("{text}\n\n{}", web_otp_line(config, code)))
}

pub fn already_active(config: &Config, lang: Lang, phone: &str) -> Message {
    let name = config.university.short_name.as_str();
    let url = format!("{}/recovery", config.http.public_url);
    sms(
        phone,
        match lang {
            Lang::Fr => format!(
                "{name} : votre compte est déjà activé. Mot de passe oublié ? {url} — Si vous n’êtes pas à l’origine de cette demande, ignorez ce message."
            ),
            Lang::En => format!(
                "{name}: your account is already active. Forgotten password? {url} — If you did not ask for this, ignore this message."
            ),
        },
    )
}

pub fn activation_invitation(config: &Config, lang: Lang, phone: &str) -> Message {
    let name = config.university.short_name.as_str();
    let url = format!("{}/activation", config.http.public_url);
    sms(
        phone,
        match lang {
            Lang::Fr => format!(
                "{name} : activez votre compte avec votre numéro étudiant ou personnel et votre date de naissance : {url}"
            ),
            Lang::En => format!(
                "{name}: activate your account with your student or staff number and your birth date: {url}"
            ),
        },
    )
}

/// What changed in the protection of an account, for the e-mail that tells its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectionChange {
    PasswordChanged,
    PasswordReset,
    TwoFactorDisabled,
}

/// Where and when a change was made, as the e-mail shows it.
pub struct Circumstances<'a> {
    /// « lundi 7 décembre 2026 à 14:05 (CET) », in the person's language.
    pub when: &'a str,
    /// « Firefox · Android ».
    pub device: &'a str,
    pub ip: &'a str,
}

/// Tells the holder their password changed or two-factor went off, so that an intruder who
/// holds the password leaves a trace outside the app; « Mot de passe oublié ? » undoes it.
pub fn protection_changed(
    config: &Config,
    lang: Lang,
    email: &str,
    change: ProtectionChange,
    at: &Circumstances<'_>,
) -> Message {
    use ProtectionChange::*;
    let name = config.university.short_name.as_str();
    let url = format!("{}/recovery", config.http.public_url);
    let Circumstances { when, device, ip } = at;
    let (subject, body) = match lang {
        Lang::Fr => {
            let (subject, what, after) = match change {
                PasswordChanged => (
                    "votre mot de passe a été modifié",
                    "Le mot de passe de votre compte",
                    "a été modifié",
                ),
                PasswordReset => (
                    "votre mot de passe a été réinitialisé",
                    "Le mot de passe de votre compte",
                    "a été réinitialisé par le lien de récupération",
                ),
                TwoFactorDisabled => (
                    "la double authentification a été désactivée",
                    "La double authentification de votre compte",
                    "a été désactivée",
                ),
            };
            (
                format!("{name} : {subject}"),
                format!(
                    "Bonjour,\n\n{what} {name} {after} le {when}, depuis l’appareil {device} (adresse {ip}).\n\n\
                     Si c’est vous, ce message ne demande rien.\n\n\
                     Si ce n’est pas vous, quelqu’un connaît votre mot de passe : choisissez-en un nouveau sans \
                     attendre avec « Mot de passe oublié ? » :\n\n{url}\n\npuis contactez l’assistance.\n"
                ),
            )
        }
        Lang::En => {
            let (subject, what, after) = match change {
                PasswordChanged => (
                    "your password was changed",
                    "The password of your",
                    "was changed",
                ),
                PasswordReset => (
                    "your password was reset",
                    "The password of your",
                    "was reset with the recovery link",
                ),
                TwoFactorDisabled => (
                    "two-factor authentication was turned off",
                    "Two-factor authentication on your",
                    "was turned off",
                ),
            };
            (
                format!("{name}: {subject}"),
                format!(
                    "Hello,\n\n{what} {name} account {after} on {when}, from the device {device} (address {ip}).\n\n\
                     If it was you, there is nothing to do.\n\n\
                     If it was not you, someone knows your password: choose a new one at once with \
                     “Forgotten password?”:\n\n{url}\n\nthen contact the help desk.\n"
                ),
            )
        }
    };
    email_message(email, subject, body)
}

fn email_message(recipient: &str, subject: String, body: String) -> Message {
    Message {
        channel: crate::couriers::Channel::Email,
        recipient: recipient.to_string(),
        subject: Some(subject),
        body,
    }
}

pub fn recovery_link(config: &Config, lang: Lang, email: &str, token: &str) -> Message {
    let name = config.university.short_name.as_str();
    let url = format!("{}/recovery/{token}", config.http.public_url);
    let (subject, body) = match lang {
        Lang::Fr => (
            format!("{name} : réinitialisation de votre mot de passe"),
            format!(
                "Bonjour,\n\nUne réinitialisation du mot de passe de votre compte {name} a été demandée. \
                 Pour choisir un nouveau mot de passe, ouvrez ce lien dans les 30 minutes :\n\n{url}\n\n\
                 Le lien ne sert qu’une fois. Si vous n’êtes pas à l’origine de cette demande, ignorez ce \
                 message : votre mot de passe reste inchangé.\n"
            ),
        ),
        Lang::En => (
            format!("{name}: resetting your password"),
            format!(
                "Hello,\n\nSomeone asked to reset the password of your {name} account. To choose a new \
                 password, open this link within 30 minutes:\n\n{url}\n\nThe link works once. If you did \
                 not ask for this, ignore this message: your password stays as it is.\n"
            ),
        ),
    };
    email_message(email, subject, body)
}
