//! One component per screen; each turns taps into `Action`s and renders `DeviceState`.

mod home;
mod practice;
mod register;
mod result;
mod round;

pub use home::Home;
pub use practice::PracticePick;
pub use register::RegisterPage;
pub use result::ResultPage;
pub use round::RoundPage;

use yew::prelude::*;

use super::app::DeviceState;

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub state: UseReducerHandle<DeviceState>,
}
