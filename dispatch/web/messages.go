package web

// messages is the console's one message table: every word a guard or a
// supervisor reads, per language, so a page never mixes Chinese and English
// and a translator edits one file. Chinese comes first: the guards work in
// Chinese bank branches. Keys are "area.name"; codes from the store
// (levels, kinds, states, outcomes, actions, terminal states, roles) are
// looked up as "<namespace>.<code>" and fall back to the code itself. A
// value may hold fmt verbs; both languages must hold the same ones (a test
// checks it).
var messages = map[string]map[string]string{
	langZH: {
		"app.name": "转账卫士调度", "app.brand": "转账卫士",
		"page.incidents": "事件", "page.incident": "事件详情", "page.login": "登录", "page.supervisor": "主管视图",
		"nav.supervisor": "主管视图", "nav.logout": "退出登录", "nav.lang": "语言",
		"guard.sound_off": "开启声音", "guard.sound_on": "声音已开启", "guard.connecting": "连接中…",
		"guard.live": "实时", "guard.reconnecting": "重新连接中…",
		"list.empty": "暂无未处理的事件。",
		"card.held":  "交易已暂停", "card.card": "卡号 %s", "card.age": "年龄 %d", "card.escalated": "已升级至 %s",
		"card.claim": "认领", "card.arrive": "已到场", "card.resolve": "结案", "card.outcome": "处理结果", "card.note": "备注",
		"card.rule": "规则：%s",
		"age.s":     "%d 秒", "age.min": "%d 分钟",
		"fact.state": "状态", "fact.alert": "警报编号", "fact.amount": "金额", "fact.held": "（交易已暂停）",
		"fact.card": "卡号", "fact.payee": "收款账户", "fact.follows": "关联事件",
		"story.title": "处置经过", "col.when": "时间", "col.who": "人员", "col.what": "动作", "col.detail": "详情",
		"login.title": "保安控制台", "login.name": "用户名", "login.password": "密码", "login.submit": "登录",
		"login.expired": "表单已过期或并非来自本页面：请重新登录", "login.throttled": "密码错误次数过多：请等待 15 分钟",
		"login.wrong":   "用户名或密码错误",
		"sup.terminals": "终端", "sup.no_terminals": "尚无终端上报。", "sup.days": "每日统计",
		"sup.from": "从", "sup.to": "至", "sup.show": "查询", "sup.no_days": "此期间没有事件。", "sup.seconds": "%d 秒",
		"col.site": "网点", "col.terminal": "终端", "col.where": "位置", "col.agent": "代理", "col.link": "链路",
		"col.screen": "屏幕", "col.version": "版本", "col.config": "配置", "col.seen": "最后联络", "col.day": "日期",
		"col.incidents": "事件数", "col.high": "高风险", "col.open": "未结案", "col.claim": "认领用时 中位 / 最长",
		"col.arrive": "到场用时 中位 / 最长", "col.escalated": "升级", "col.outcomes": "处理结果", "col.held": "暂停金额",
		"err.moved": "此事件已有新进展：请刷新", "err.outcome": "请选择处理结果；选择“其他”时须填写备注",
		"err.supervisors": "仅限主管",
		"level.high":      "高", "level.medium": "中",
		"kind.risk": "风险", "kind.panic": "紧急按钮", "kind.tamper": "设备被拆动", "kind.offline": "终端离线",
		"kind.link_down": "链路中断", "kind.ui_down": "屏幕故障", "kind.follow_up": "追踪受害人",
		"state.new": "新事件", "state.claimed": "已认领", "state.arrived": "已到场", "state.resolved": "已结案",
		"outcome.fraud_stopped": "已阻止诈骗", "outcome.customer_proceeded": "客户坚持继续", "outcome.false_alarm": "误报",
		"outcome.other": "其他",
		"action.raised": "报警", "action.updated": "更新", "action.claimed": "认领", "action.arrived": "到场",
		"action.resolved": "结案", "action.renotified": "再次通知", "action.escalated": "升级", "action.recovered": "恢复",
		"action.session": "会话",
		"term.online":    "在线", "term.offline": "离线", "term.up": "正常", "term.down": "故障",
		"role.guard": "保安", "role.supervisor": "主管", "role.admin": "管理员", "actor.system": "系统",
		"reason.offline": "终端代理离线：此终端无人监控", "reason.link_down": "与终端控制器的串口链路中断",
		"reason.ui_down": "客户屏幕进程已停止",
	},
	langEN: {
		"app.name": "transferguard dispatch", "app.brand": "transferguard",
		"page.incidents": "Incidents", "page.incident": "Incident", "page.login": "Log in", "page.supervisor": "Supervisor",
		"nav.supervisor": "Supervisor", "nav.logout": "Log out", "nav.lang": "Language",
		"guard.sound_off": "Sound on", "guard.sound_on": "Sound is on", "guard.connecting": "connecting…",
		"guard.live": "live", "guard.reconnecting": "reconnecting…",
		"list.empty": "No open incidents.",
		"card.held":  "held", "card.card": "card %s", "card.age": "age %d", "card.escalated": "escalated to %s",
		"card.claim": "Claim", "card.arrive": "Arrived", "card.resolve": "Resolve", "card.outcome": "Outcome", "card.note": "Note",
		"card.rule": "rule: %s",
		"age.s":     "%ds", "age.min": "%d min",
		"fact.state": "State", "fact.alert": "Alert", "fact.amount": "Amount", "fact.held": " (held)",
		"fact.card": "Card", "fact.payee": "Payee", "fact.follows": "Follows",
		"story.title": "Story", "col.when": "When", "col.who": "Who", "col.what": "What", "col.detail": "Detail",
		"login.title": "Guard console", "login.name": "Name", "login.password": "Password", "login.submit": "Log in",
		"login.expired":   "The form expired or did not come from this page: please log in again",
		"login.throttled": "Too many wrong passwords: wait 15 minutes", "login.wrong": "Wrong name or password",
		"sup.terminals": "Terminals", "sup.no_terminals": "No terminal has reported yet.", "sup.days": "Days",
		"sup.from": "From", "sup.to": "to", "sup.show": "Show", "sup.no_days": "No incidents in this period.", "sup.seconds": "%d s",
		"col.site": "Site", "col.terminal": "Terminal", "col.where": "Where", "col.agent": "Agent", "col.link": "Link",
		"col.screen": "Screen", "col.version": "Version", "col.config": "Configuration", "col.seen": "Last heard", "col.day": "Day",
		"col.incidents": "Incidents", "col.high": "High", "col.open": "Open", "col.claim": "Claim median / max",
		"col.arrive": "Arrive median / max", "col.escalated": "Escalated", "col.outcomes": "Outcomes", "col.held": "Held",
		"err.moved": "this incident has moved on: reload", "err.outcome": "choose an outcome; \"Other\" needs a note",
		"err.supervisors": "supervisors only",
		"level.high":      "high", "level.medium": "medium",
		"kind.risk": "Risk", "kind.panic": "Panic button", "kind.tamper": "Tamper", "kind.offline": "Terminal offline",
		"kind.link_down": "Link down", "kind.ui_down": "Screen down", "kind.follow_up": "Follow the victim",
		"state.new": "New", "state.claimed": "Claimed", "state.arrived": "On site", "state.resolved": "Resolved",
		"outcome.fraud_stopped": "Fraud stopped", "outcome.customer_proceeded": "Customer went ahead", "outcome.false_alarm": "False alarm",
		"outcome.other": "Other",
		"action.raised": "raised", "action.updated": "updated", "action.claimed": "claimed", "action.arrived": "arrived",
		"action.resolved": "resolved", "action.renotified": "renotified", "action.escalated": "escalated", "action.recovered": "recovered",
		"action.session": "session",
		"term.online":    "online", "term.offline": "offline", "term.up": "up", "term.down": "down",
		"role.guard": "guard", "role.supervisor": "supervisor", "role.admin": "admin", "actor.system": "system",
		"reason.offline":   "Terminal agent is offline: nobody is watching this terminal",
		"reason.link_down": "Serial link to the terminal controller is down", "reason.ui_down": "Customer screen process is down",
	},
}

// scriptKeys are the messages app.js needs; the guard page hands them over
// as JSON in a data attribute, so the script holds no words of its own.
var scriptKeys = []string{"guard.sound_on", "guard.live", "guard.reconnecting", "age.s", "age.min"}
