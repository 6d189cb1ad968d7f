//! `GET /api/me/registrations`, the certificate of enrolment as a PDF, and `/verify/{code}`,
//! the page that confirms a certificate to whoever holds it.

use chrono::NaiveDate;
use poem::web::Data;
use poem::{Request, Response, handler, http::StatusCode};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::Path,
    payload::{Binary, Json},
};

use super::{
    certificate::{self, Certificate},
    model::{Administrative, Pedagogical},
    store::{self, Registration},
};
use crate::{
    accounts,
    cas::services::href,
    errors::{ApiError, ApiResult, NOT_FOUND},
    http::{
        client::Client,
        page::{HOME, Html},
    },
    i18n::{Lang, Text},
    limits::{self, Limit},
    people::model::PersonId,
    sessions::{Caller, caller},
    state::AppState,
};

/// Certificates checked from one address per hour: codes cannot be tried at random.
const VERIFICATIONS: Limit = Limit::per_hour("certificate-verification", 60);

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RegistrationView {
    /// "2026-2027"
    pub academic_year: String,
    pub program: String,
    pub administrative: Administrative,
    pub pedagogical: Pedagogical,
    /// The CVEC attestation was given.
    pub cvec: bool,
    pub missing_documents: Vec<String>,
    /// The (re-)registration window, when the registrar gave one.
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    /// The window is open today and the registration incomplete: something is due.
    pub due: bool,
    /// `GET /api/me/registrations/{year}/certificate` answers (the registration is complete).
    pub certificate: bool,
}

/// The university's registration site (« Tous les services »' tile).
#[derive(Debug, Object)]
pub struct RegistrationSite {
    pub name: String,
    /// Through `/cas/login` when the site signs in with the ENT.
    pub href: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RegistrationList {
    /// The latest academic year first.
    pub registrations: Vec<RegistrationView>,
    pub site: Option<RegistrationSite>,
}

#[derive(ApiResponse)]
pub enum CertificateFile {
    /// The certificate of enrolment.
    #[oai(status = 200, content_type = "application/pdf")]
    Pdf(
        Binary<Vec<u8>>,
        #[oai(header = "Content-Disposition")] String,
        #[oai(header = "Cache-Control")] String,
    ),
}

pub fn view(r: &Registration, today: NaiveDate) -> RegistrationView {
    RegistrationView {
        academic_year: r.academic_year.clone(),
        program: r.program.clone(),
        administrative: r.administrative,
        pedagogical: r.pedagogical,
        cvec: r.cvec,
        missing_documents: r.missing_documents.clone(),
        opens_on: r.opens_on,
        closes_on: r.closes_on,
        due: !r.complete() && r.open_on(today),
        certificate: r.complete() && r.certificate_code.is_some(),
    }
}

/// A person's registrations as the secretariat and the person see them.
pub async fn views_of(state: &AppState, person: PersonId) -> ApiResult<Vec<RegistrationView>> {
    let today = state.today();
    let mut conn = state.conn().await?;
    Ok(store::of_person(&mut conn, person)
        .await?
        .iter()
        .map(|r| view(r, today))
        .collect())
}

#[derive(Default)]
pub struct RegistrationApi;

#[OpenApi(tag = "crate::app::Tag::Registration")]
impl RegistrationApi {
    /// Where the signed-in person's registrations stand, year by year.
    #[oai(
        path = "/me/registrations",
        method = "get",
        operation_id = "my_registrations"
    )]
    async fn mine(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        lang: Lang,
    ) -> ApiResult<Json<RegistrationList>> {
        let registrations = views_of(&state, caller.person_id).await?;
        let site = state
            .config
            .registration
            .service
            .as_ref()
            .and_then(|code| state.config.cas.service(code.as_str()))
            .map(|s| RegistrationSite {
                name: s.label(lang).to_string(),
                href: href(s),
            });
        Ok(Json(RegistrationList {
            registrations,
            site,
        }))
    }

    /// The certificate of enrolment of a complete registration (404 otherwise, and for anyone
    /// else's).
    #[oai(
        path = "/me/registrations/:year/certificate",
        method = "get",
        operation_id = "my_certificate"
    )]
    async fn certificate(
        &self,
        state: Data<&AppState>,
        caller: Caller,
        year: Path<String>,
    ) -> ApiResult<CertificateFile> {
        let mut conn = state.conn().await?;
        let registration = store::of_person(&mut conn, caller.person_id)
            .await?
            .into_iter()
            .find(|r| r.academic_year == *year && r.complete())
            .ok_or(ApiError::new(NOT_FOUND))?;
        let code = registration
            .certificate_code
            .clone()
            .ok_or(ApiError::new(NOT_FOUND))?;
        let (person, _) = accounts::store::by_id(&mut conn, caller.person_id)
            .await?
            .ok_or(ApiError::new(caller::NOT_SIGNED_IN))?;
        let config = &state.config;
        let verify_url = format!(
            "{}/verify/{code}",
            config.http.public_url.as_str().trim_end_matches('/')
        );
        let pdf = Certificate {
            university: config.university.name.as_str(),
            given_name: &person.given_name,
            family_name: &person.family_name,
            birth_date: person.birth_date,
            number: &person.number,
            academic_year: &registration.academic_year,
            program: &registration.program,
            signatory: config.registration.certificate_signatory.as_str(),
            issued_on: state.today(),
            code: &code,
            verify_url: &verify_url,
        }
        .pdf();
        Ok(CertificateFile::Pdf(
            Binary(pdf),
            format!(
                "attachment; filename=\"certificat-de-scolarite-{}.pdf\"",
                registration.academic_year
            ),
            "private, no-store".into(),
        ))
    }
}

/// `GET /verify/{code}`: whether a certificate of enrolment is genuine and still holds, with
/// what it states that its holder already shows (name, program, year), nothing more.
#[handler]
pub async fn verify(
    req: &Request,
    Data(state): Data<&AppState>,
    poem::web::Path(code): poem::web::Path<String>,
    client: Client,
) -> poem::Result<Response> {
    limits::enforce(state, VERIFICATIONS, &client.ip).await?;
    let lang = Lang::of(req);
    let code = certificate::normalise_code(&code);
    let mut conn = state.conn().await?;
    let found = match store::by_certificate(&mut conn, &code)
        .await
        .map_err(ApiError::from)?
    {
        Some(r) => accounts::store::by_id(&mut conn, r.person_id)
            .await
            .map_err(ApiError::from)?
            .map(|(person, _)| (r, person)),
        None => None,
    };
    let home = (HOME.0, HOME.1.get(lang));
    let Some((r, person)) = found else {
        return Ok(Html {
            status: StatusCode::NOT_FOUND,
            title: UNKNOWN.get(lang),
            paragraphs: &[UNKNOWN_TEXT.get(lang).to_string()],
            facts: &[],
            link: home,
        }
        .render(lang));
    };
    let (title, text) = if r.complete() {
        (GENUINE, GENUINE_TEXT)
    } else {
        (WITHDRAWN, WITHDRAWN_TEXT)
    };
    let facts = [
        (
            Text {
                fr: "Étudiant(e)",
                en: "Student",
            }
            .get(lang),
            format!("{} {}", person.given_name, person.family_name),
        ),
        (
            Text {
                fr: "Formation",
                en: "Program",
            }
            .get(lang),
            r.program.clone(),
        ),
        (
            Text {
                fr: "Année universitaire",
                en: "Academic year",
            }
            .get(lang),
            r.academic_year.clone(),
        ),
        (
            Text {
                fr: "Code",
                en: "Code",
            }
            .get(lang),
            code,
        ),
    ];
    Ok(Html {
        status: StatusCode::OK,
        title: title.get(lang),
        paragraphs: &[text.get(lang).to_string()],
        facts: &facts,
        link: home,
    }
    .render(lang))
}

const GENUINE: Text = Text {
    fr: "Certificat de scolarité authentique",
    en: "Genuine certificate of enrolment",
};
const GENUINE_TEXT: Text = Text {
    fr: "L’université confirme cette inscription : comparez ces informations avec celles du certificat.",
    en: "The university confirms this registration: compare these details with those of the certificate.",
};
const WITHDRAWN: Text = Text {
    fr: "Certificat qui n’est plus valable",
    en: "Certificate no longer valid",
};
const WITHDRAWN_TEXT: Text = Text {
    fr: "Ce certificat a bien été délivré par l’université, mais l’inscription qu’il atteste n’est plus complète.",
    en: "This certificate was issued by the university, but the registration it states is no longer complete.",
};
const UNKNOWN: Text = Text {
    fr: "Code inconnu",
    en: "Unknown code",
};
const UNKNOWN_TEXT: Text = Text {
    fr: "Aucun certificat de l’université ne porte ce code. Vérifiez-le (16 lettres et chiffres, par groupes de 4).",
    en: "No certificate of the university has this code. Check it (16 letters and digits, in groups of 4).",
};
