//! The built PWA: hashed assets cached for a year, the shell and service worker never cached,
//! and every unknown app path answered with the shell (the client-side router takes it there).

use std::path::{Component, Path, PathBuf};

use poem::{
    Endpoint, FromRequest, IntoResponse, Request, Response,
    http::{HeaderValue, Method, header},
    web::StaticFileRequest,
};

use crate::errors::{ApiError, NOT_FOUND, SERVICE_UNAVAILABLE};
use crate::i18n::Text;

pub struct Pwa {
    root: PathBuf,
}

impl Pwa {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Pwa { root: root.into() }
    }

    pub fn is_built(&self) -> bool {
        self.root.join("index.html").is_file()
    }
}

/// How long a file may be kept, by what its name promises.
fn cache_control(rel: &Path) -> &'static str {
    if rel.starts_with("assets") {
        // Vite puts a content hash in every name under assets/.
        "public, max-age=31536000, immutable"
    } else if rel.starts_with("icons") {
        "public, max-age=86400"
    } else {
        // index.html, sw.js, offline.html…: always revalidated, so an update reaches phones.
        "no-cache"
    }
}

/// The request path as a relative file path, refusing anything that could leave the root.
fn relative(path: &str) -> Option<PathBuf> {
    let rel = PathBuf::from(path.trim_start_matches('/'));
    let safe = rel.components().all(|c| match c {
        Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
        _ => false,
    });
    safe.then_some(rel)
}

impl Endpoint for Pwa {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return Err(poem::error::MethodNotAllowedError.into());
        }
        if !self.is_built() {
            return Err(ApiError::new(SERVICE_UNAVAILABLE)
                .with_detail(Text {
                    fr: "L’application n’est pas encore construite (npm run build dans pwa/).",
                    en: "The app is not built yet (npm run build in pwa/).",
                })
                .into());
        }
        let rel = relative(req.uri().path()).ok_or_else(|| ApiError::new(NOT_FOUND))?;
        let file = self.root.join(&rel);
        let (file, rel) = if !rel.as_os_str().is_empty() && file.is_file() {
            (file, rel)
        } else if rel.extension().is_none() {
            // An app route such as /timetable: the shell.
            (self.root.join("index.html"), PathBuf::from("index.html"))
        } else {
            return Err(ApiError::new(NOT_FOUND).into());
        };
        let mut resp = StaticFileRequest::from_request_without_body(&req)
            .await?
            .create_response(&file, true, false)?
            .into_response();
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control(&rel)),
        );
        Ok(resp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_root() {
        assert_eq!(
            relative("/assets/app-1a2b.js"),
            Some("assets/app-1a2b.js".into())
        );
        assert_eq!(relative("/"), Some(PathBuf::new()));
        assert_eq!(relative("/../etc/passwd"), None);
        assert_eq!(relative("/assets/../../x"), None);
        assert_eq!(relative("/.env"), None);
    }

    #[test]
    fn only_hashed_assets_are_cached_for_long() {
        assert!(cache_control(Path::new("assets/index-abc.js")).contains("immutable"));
        assert_eq!(cache_control(Path::new("index.html")), "no-cache");
        assert_eq!(cache_control(Path::new("sw.js")), "no-cache");
    }
}
