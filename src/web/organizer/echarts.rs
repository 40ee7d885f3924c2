//! ECharts (npm `echarts`, Apache-2.0) for the organizer's charts and map: the library's
//! minified file is copied beside the organizer's page at build time (scripts/build) and loaded
//! the first time a chart is shown; each chart is an option object built in Rust as JSON.
//! Nothing here reaches the citizen's page.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    pub type EChart;
    #[wasm_bindgen(js_namespace = echarts, js_name = init)]
    fn init(el: &web_sys::HtmlElement, theme: &JsValue, opts: &JsValue) -> EChart;
    #[wasm_bindgen(js_namespace = echarts, js_name = getInstanceByDom)]
    fn instance_of(el: &web_sys::HtmlElement) -> Option<EChart>;
    #[wasm_bindgen(js_namespace = echarts, js_name = registerMap)]
    fn register_map_js(name: &str, geo: &JsValue);
    #[wasm_bindgen(method, js_name = setOption)]
    fn set_option(this: &EChart, option: &JsValue, not_merge: bool);
    #[wasm_bindgen(method)]
    fn on(this: &EChart, event: &str, handler: &js_sys::Function);
    #[wasm_bindgen(method)]
    fn off(this: &EChart, event: &str);
    #[wasm_bindgen(method, js_name = getDataURL)]
    fn data_url(this: &EChart, opts: &JsValue) -> String;
    #[wasm_bindgen(method)]
    fn resize(this: &EChart);
    #[wasm_bindgen(method)]
    fn dispose(this: &EChart);
}

thread_local! {
    static LOADING: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    static MAPS: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// Loads `echarts.min.js` once (beside the organizer's page); later calls wait for the same load.
pub async fn ready() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    if js_sys::Reflect::has(&window, &"echarts".into()).unwrap_or(false) {
        return Ok(());
    }
    let promise = LOADING.with(|l| {
        l.borrow_mut()
            .get_or_insert_with(|| {
                js_sys::Promise::new(&mut |resolve, reject| {
                    let add = || -> Option<()> {
                        let document = web_sys::window()?.document()?;
                        let script: web_sys::HtmlScriptElement =
                            document.create_element("script").ok()?.dyn_into().ok()?;
                        script.set_src("echarts.min.js");
                        script.set_onload(Some(&resolve));
                        script.set_onerror(Some(&reject));
                        document.head()?.append_child(&script).ok()?;
                        Some(())
                    };
                    if add().is_none() {
                        let _ = reject.call0(&JsValue::NULL);
                    }
                })
            })
            .clone()
    });
    let result = wasm_bindgen_futures::JsFuture::from(promise).await.map(|_| ());
    if result.is_err() {
        LOADING.with(|l| *l.borrow_mut() = None); // try again next time
    }
    result
}

/// Whether the library is there (calling it before would throw).
fn loaded() -> bool {
    web_sys::window().is_some_and(|w| js_sys::Reflect::has(&w, &"echarts".into()).unwrap_or(false))
}

/// Registers the boundaries `geojson` (text) under `name` once.
pub fn register_map(name: &str, geojson: &str) {
    if MAPS.with(|m| m.borrow().contains(name)) {
        return;
    }
    if let Ok(value) = js_sys::JSON::parse(geojson) {
        register_map_js(name, &value);
        MAPS.with(|m| m.borrow_mut().insert(name.to_string()));
    }
}

/// Registers `geojson` under `name` again (the organizer's own file replaces the built-in one).
pub fn replace_map(name: &str, geojson: &str) {
    MAPS.with(|m| m.borrow_mut().remove(name));
    register_map(name, geojson);
}

/// The chart drawn in `el`, as a PNG data URL of its size (white background), if there is one.
pub fn png_of(el: &web_sys::Element) -> Option<String> {
    let el: &web_sys::HtmlElement = el.dyn_ref()?;
    if !loaded() {
        return None;
    }
    let chart = instance_of(el)?;
    let opts = serde_json::json!({ "type": "png", "pixelRatio": 1, "backgroundColor": "#ffffff" });
    Some(chart.data_url(&to_js(&opts)))
}

fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// Bytes of a `data:…;base64,` URL.
pub fn data_url_bytes(url: &str) -> Option<Vec<u8>> {
    let b64 = url.split_once(";base64,")?.1;
    let binary = web_sys::window()?.atob(b64).ok()?;
    Some(binary.chars().map(|c| c as u32 as u8).collect())
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// The chart's option object.
    pub option: Rc<Value>,
    pub testid: AttrValue,
    /// What the chart shows, for people who cannot see it.
    pub label: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    /// A click on a data item gives its `code` (the map) or its name.
    #[prop_or_default]
    pub onclick: Option<Callback<String>>,
}

/// A chart in a `div` of its own; drawn again when the option changes.
#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let node = use_node_ref();
    let handler = use_mut_ref(|| None::<Closure<dyn Fn(JsValue)>>);
    // The latest click callback, read at the click: a new callback alone does not redraw.
    let onclick = use_mut_ref(|| None::<Callback<String>>);
    *onclick.borrow_mut() = props.onclick.clone();
    {
        let (node, option, clickable) = (node.clone(), props.option.clone(), props.onclick.is_some());
        use_effect_with((option, clickable), move |(option, clickable)| {
            let (option, clickable) = (option.clone(), *clickable);
            wasm_bindgen_futures::spawn_local(async move {
                if ready().await.is_err() {
                    return;
                }
                let Some(el) = node.cast::<web_sys::HtmlElement>() else { return };
                let chart = instance_of(&el).unwrap_or_else(|| {
                    let opts = serde_json::json!({ "renderer": "canvas" });
                    init(&el, &JsValue::NULL, &to_js(&opts))
                });
                chart.set_option(&to_js(&option), true);
                chart.off("click");
                if clickable {
                    let closure = Closure::<dyn Fn(JsValue)>::new(move |params: JsValue| {
                        let data = js_sys::Reflect::get(&params, &"data".into()).unwrap_or(JsValue::UNDEFINED);
                        let code = js_sys::Reflect::get(&data, &"code".into())
                            .ok()
                            .and_then(|c| c.as_string())
                            .or_else(|| js_sys::Reflect::get(&params, &"name".into()).ok().and_then(|n| n.as_string()));
                        let callback = onclick.borrow().clone();
                        if let (Some(code), Some(callback)) = (code, callback) {
                            callback.emit(code);
                        }
                    });
                    chart.on("click", closure.as_ref().unchecked_ref());
                    *handler.borrow_mut() = Some(closure);
                }
            });
        });
    }
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            let resize = {
                let node = node.clone();
                gloo_events::EventListener::new(&web_sys::window().expect("a window"), "resize", move |_| {
                    if let Some(chart) =
                        node.cast::<web_sys::HtmlElement>().filter(|_| loaded()).and_then(|el| instance_of(&el))
                    {
                        chart.resize();
                    }
                })
            };
            move || {
                drop(resize);
                if let Some(chart) =
                    node.cast::<web_sys::HtmlElement>().filter(|_| loaded()).and_then(|el| instance_of(&el))
                {
                    chart.dispose();
                }
            }
        });
    }
    html! {
        <div ref={node} class={classes!("echart", props.class.clone())} data-testid={props.testid.clone()}
            role="img" aria-label={props.label.clone()}></div>
    }
}
