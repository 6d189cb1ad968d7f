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
    Message {
        channel: crate::couriers::Channel::Email,
        recipient: email.to_string(),
        subject: Some(subject),
        body,
    }
}
