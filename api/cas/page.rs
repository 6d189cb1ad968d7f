//! The few pages `/cas/login` and `/cas/logout` show themselves: a browser sent there by a
//! service gets a sentence and a way on, in the person's language, never a redirect to an
//! address the registry does not know.

use poem::{Response, http::StatusCode};

use crate::http::page::{HOME, Html};
use crate::i18n::{Lang, Text};

pub struct Page {
    pub status: StatusCode,
    pub title: Text,
    pub message: Text,
    /// Where the person can go on: (address, label).
    pub link: (&'static str, Text),
}

impl Page {
    pub fn render(&self, lang: Lang) -> Response {
        let (href, label) = self.link;
        Html {
            status: self.status,
            title: self.title.get(lang),
            paragraphs: &[self.message.get(lang).to_string()],
            facts: &[],
            link: (href, label.get(lang)),
        }
        .render(lang)
    }
}

pub const SIGNED_IN: Page = Page {
    status: StatusCode::OK,
    title: Text {
        fr: "Vous êtes connecté(e)",
        en: "You are signed in",
    },
    message: Text {
        fr: "Vous êtes connecté(e) au service central d’authentification : les services de l’université s’ouvrent sans redemander votre mot de passe.",
        en: "You are signed in to the central authentication service: the university's services open without asking for your password again.",
    },
    link: HOME,
};

pub const SIGNED_OUT: Page = Page {
    status: StatusCode::OK,
    title: Text {
        fr: "Vous êtes déconnecté(e)",
        en: "You are signed out",
    },
    message: Text {
        fr: "Votre session a pris fin. Pour plus de sécurité, fermez aussi les services que vous aviez ouverts.",
        en: "Your session has ended. For safety, close the services you had opened as well.",
    },
    link: (
        "/login",
        Text {
            fr: "Se connecter",
            en: "Sign in",
        },
    ),
};

pub const UNKNOWN_SERVICE: Page = Page {
    status: StatusCode::BAD_REQUEST,
    title: Text {
        fr: "Service non autorisé",
        en: "Service not authorised",
    },
    message: Text {
        fr: "L’application qui vous a envoyé(e) ici n’est pas enregistrée auprès du service d’authentification de l’université : vous ne pouvez pas vous y connecter avec votre compte ENT. Vérifiez son adresse, ou ouvrez-la depuis « Tous les services ».",
        en: "The application that sent you here is not registered with the university's authentication service: you cannot sign in to it with your ENT account. Check its address, or open it from “All services”.",
    },
    link: HOME,
};

pub const FORBIDDEN_SERVICE: Page = Page {
    status: StatusCode::FORBIDDEN,
    title: Text {
        fr: "Service non accessible",
        en: "Service not available to you",
    },
    message: Text {
        fr: "Ce service n’est pas ouvert à votre profil. Si vous pensez en avoir besoin, adressez une demande d’aide depuis l’ENT.",
        en: "This service is not open to your profile. If you think you need it, file a help request from the ENT.",
    },
    link: HOME,
};

pub const ACCOUNT_INACTIVE: Page = Page {
    status: StatusCode::FORBIDDEN,
    title: Text {
        fr: "Compte suspendu ou fermé",
        en: "Account suspended or closed",
    },
    message: Text {
        fr: "Votre compte ne permet pas d’ouvrir les services de l’université : contactez le secrétariat.",
        en: "Your account cannot open the university's services: contact the secretariat.",
    },
    link: (
        "/contacts",
        Text {
            fr: "Contacter le secrétariat",
            en: "Contact the secretariat",
        },
    ),
};

pub const PHONE_TO_VERIFY: Page = Page {
    status: StatusCode::FORBIDDEN,
    title: Text {
        fr: "Vérifiez votre téléphone",
        en: "Verify your phone",
    },
    message: Text {
        fr: "Le secrétariat a changé votre numéro de téléphone : confirmez-le avec le code reçu par SMS avant d’ouvrir les services.",
        en: "The secretariat changed your phone number: confirm it with the code sent by text message before opening the services.",
    },
    link: (
        "/more/security/phone",
        Text {
            fr: "Vérifier mon téléphone",
            en: "Verify my phone",
        },
    ),
};
