//! The page's components, one file each.

pub(crate) mod app;
pub(crate) mod counters;
pub(crate) mod details;
pub(crate) mod editor;
pub(crate) mod event_map;
pub(crate) mod file_list;
pub(crate) mod settings;
pub(crate) mod timeline_row;
pub(crate) mod timeline_view;
pub(crate) mod toolbar;
