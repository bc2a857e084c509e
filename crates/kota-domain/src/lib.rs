//! Kota's domain: the network, its framework, cities, action plans, projects, partners and
//! events, with the rules that keep them valid. Pure: no I/O, no database, no HTTP.

pub mod access;
pub mod account;
pub mod audit;
pub mod brokerage;
pub mod chair;
pub mod city;
pub mod comment;
pub mod dashboard;
pub mod edit;
pub mod event;
pub mod framework;
pub mod ical;
pub mod ids;
pub mod indicator;
pub mod interest;
pub mod invitation;
pub mod mail;
pub mod money;
pub mod network;
pub mod notice;
pub mod page;
pub mod partner;
pub mod project;
pub mod provenance;
pub mod report;
pub mod round;
pub mod seed;
pub mod similarity;
pub mod suggestion;
pub mod twinning;
pub mod views;
pub mod vocabulary;
pub mod workspace;
