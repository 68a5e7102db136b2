//! The built SPA at `/`, with a history-API fallback so deep links (`/players/3`) load the app.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::web;

/// Mounts the SPA directory last, after every API route.
pub fn configure(cfg: &mut web::ServiceConfig, dir: PathBuf) {
    let index = dir.join("index.html");
    cfg.service(
        Files::new("/", dir)
            .index_file("index.html")
            .default_handler(fn_service(move |req: ServiceRequest| {
                let index = index.clone();
                async move {
                    let (req, _) = req.into_parts();
                    let file = NamedFile::open_async(index).await?;
                    Ok(ServiceResponse::new(req.clone(), file.into_response(&req)))
                }
            })),
    );
}
