package web

// Words of the effectiveness page, the review forms and the daily report,
// merged into the message table at start-up so this file can grow on its
// own.
var effectMessages = map[string]map[string]string{
	langZH: {
		"page.effect": "规则效果", "eff.sessions": "会话记录（供 tgctl backtest）", "nav.effect": "规则效果", "eff.rules": "各规则效果", "eff.rule": "规则", "eff.alerts": "警报数",
		"eff.resolved": "已处置", "eff.fraud_stopped": "阻止诈骗", "eff.precision": "准确率（阻止诈骗÷已处置）",
		"eff.held": "暂停金额（元）", "eff.protected": "保住金额（元）", "eff.held_only": "暂停后仍转出（元）",
		"eff.claim_p50": "接警用时中位", "eff.arrive_p50": "到场用时中位", "eff.choices": "客户在转账警示页的选择",
		"eff.choice_continue": "继续转账", "eff.choice_stop": "不转了", "eff.choice_help": "请工作人员协助", "eff.choice_none": "未选择",
		"eff.chart_rules": "各规则警报（按处置结果）", "eff.chart_money": "各规则暂停与保住的金额（元）",
		"eff.chart_choices": "各网点客户选择", "eff.all_sites": "全部网点", "eff.category": "类别",
		"eff.owed": "待回访事件", "eff.none_owed": "没有逾期未回访的事件。", "eff.owed_off": "未配置回访期限（follow_up_after）。",
		"rev.title": "回访与评价", "rev.follow_up": "回访", "rev.called_back": "已回电客户", "rev.police_report": "报案回执号",
		"rev.recovered": "追回金额（元）", "rev.evaluation": "处置评价",
		"rating.good": "好", "rating.adequate": "合格", "rating.poor": "差",
		"action.followed_up": "回访", "action.evaluated": "评价",
		"err.not_resolved": "只有已处置的事件才能回访或评价", "err.rating": "请选择评价", "err.recovered": "追回金额须为非负数字",
		"csv.followed_up_at": "回访时间", "csv.called_back": "已回电", "csv.police_report": "报案回执号", "csv.recovered": "追回金额",
		"csv.rating":  "处置评价",
		"daily.title": "%s 网点日报 %s", "daily.incidents": "当日事件", "daily.printed": "生成于 %s",
	},
	langEN: {
		"page.effect": "Rule effectiveness", "eff.sessions": "Session records (for tgctl backtest)", "nav.effect": "Effectiveness", "eff.rules": "Rules", "eff.rule": "Rule", "eff.alerts": "Alerts",
		"eff.resolved": "Resolved", "eff.fraud_stopped": "Fraud stopped", "eff.precision": "Precision (fraud stopped ÷ resolved)",
		"eff.held": "Held (CNY)", "eff.protected": "Protected (CNY)", "eff.held_only": "Held, then paid (CNY)",
		"eff.claim_p50": "Median time to take", "eff.arrive_p50": "Median time to arrive", "eff.choices": "Customers' choices on the transfer warning",
		"eff.choice_continue": "Continue", "eff.choice_stop": "Stop", "eff.choice_help": "Asked for staff", "eff.choice_none": "No choice",
		"eff.chart_rules": "Alerts per rule by outcome", "eff.chart_money": "Money held and protected per rule (CNY)",
		"eff.chart_choices": "Customers' choices per site", "eff.all_sites": "All sites", "eff.category": "Category",
		"eff.owed": "Follow-ups overdue", "eff.none_owed": "No resolved incident is overdue for a follow-up.", "eff.owed_off": "No follow-up time is configured (follow_up_after).",
		"rev.title": "Follow-up and evaluation", "rev.follow_up": "Follow-up", "rev.called_back": "Customer called back", "rev.police_report": "Police report number",
		"rev.recovered": "Funds recovered (CNY)", "rev.evaluation": "Evaluation of the response",
		"rating.good": "Good", "rating.adequate": "Adequate", "rating.poor": "Poor",
		"action.followed_up": "Followed up", "action.evaluated": "Evaluated",
		"err.not_resolved": "Only a resolved incident can be followed up or evaluated", "err.rating": "Choose a rating", "err.recovered": "The recovered amount must be a number, 0 or more",
		"csv.followed_up_at": "Followed up", "csv.called_back": "Called back", "csv.police_report": "Police report", "csv.recovered": "Recovered",
		"csv.rating":  "Evaluation",
		"daily.title": "Site %s — daily report %s", "daily.incidents": "Incidents of the day", "daily.printed": "Made %s",
	},
}

func init() {
	for lang, m := range effectMessages {
		for k, v := range m {
			messages[lang][k] = v
		}
	}
}
