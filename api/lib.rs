//! ENT mobile's service. Plumbing (config, db, redis, errors, http, couriers, …) never imports
//! a feature (accounts, sessions, secretariat, …); `app` assembles them.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod couriers;
pub mod cpu;
pub mod csv_file;
pub mod db;
pub mod errors;
pub mod http;
pub mod i18n;
mod layout;
pub mod limits;
pub mod metrics;
pub mod pagination;
pub mod phone;
pub mod redis;
pub mod secrets;
pub mod server;
pub mod state;
pub mod text;

pub mod accounts;
pub mod card;
pub mod cas;
pub mod client_errors;
pub mod courses;
pub mod demo;
pub mod directory;
pub mod help;
pub mod home;
pub mod messaging;
pub mod news;
pub mod passkeys;
pub mod people;
pub mod push;
pub mod registration;
pub mod secretariat;
pub mod security_log;
pub mod sessions;
pub mod timetable;
pub mod university;
