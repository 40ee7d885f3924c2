//! What more than one test file needs.

/// The nine categories of the shipped banks: the seven of the 中国公民科学素质基准 plus 应急避险
/// and 农业 (boundaries in `questions/README.md`).
pub const CATEGORIES: [&str; 9] = [
    "科学观念与方法",
    "数学与信息",
    "物质与能量",
    "生命与健康",
    "地球与环境",
    "工程与技术",
    "科技与社会",
    "应急避险",
    "农业",
];
