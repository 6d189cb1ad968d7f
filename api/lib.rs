//! ENT mobile's service. Plumbing (config, db, redis, errors, http, …) never imports a
//! feature (university, people, demo); `app` assembles them.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod couriers;
pub mod cpu;
pub mod db;
pub mod errors;
pub mod http;
pub mod i18n;
pub mod limits;
pub mod metrics;
pub mod phone;
pub mod redis;
pub mod secrets;
pub mod security_log;
pub mod server;
pub mod state;

pub mod accounts;
pub mod client_errors;
pub mod demo;
pub mod people;
pub mod sessions;
pub mod university;
