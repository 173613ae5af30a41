package layout

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Protected are the words a line never breaks inside. Chinese may break
// between any two characters, but "安全" at the end of one line and "账户"
// at the start of the next makes a frightened reader stumble on exactly the
// words the screen is there to say: the fraud words, the actions asked of
// the customer, and the numbers to call. The key phrases of the shipped
// rules (configs/default.yaml) are here too; a test keeps them in step.
var Protected = []string{
	// what fraudsters say
	"安全账户", "安全帐户", "公检法", "公安局", "检察院", "法院", "客服", "退款", "投资", "理财", "贷款",
	"刷单", "冒充", "涉嫌", "洗钱", "验证码", "屏幕共享", "共享屏幕", "网友", "网上认识",
	// what the screen asks
	"诈骗", "反诈", "转账", "汇款", "挂断", "撤销", "取消", "继续", "电话", "工作人员", "保安", "柜员",
	"收款人", "银行卡", "银行", "账户", "密码", "身份证", "家人", "朋友", "稍候",
	// numbers to call and key names
	"96110", "110", "24小时", "【确认】", "【取消】", "【帮助】",
}

// glueMask returns, for each byte offset of s (and len(s)), whether a line
// may not break before it because it is inside a protected word. Longer
// words win where two overlap; a word is looked for at every rune start.
func glueMask(s string) []bool {
	glued := make([]bool, len(s)+1)
	for i := 0; i < len(s); {
		best := ""
		r, _ := utf8.DecodeRuneInString(s[i:])
		for _, w := range byFirstRune()[r] {
			if len(w) > len(best) && strings.HasPrefix(s[i:], w) {
				best = w
			}
		}
		if best == "" {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		for j := i + 1; j < i+len(best); j++ {
			glued[j] = true
		}
		i += len(best)
	}
	return glued
}

// byFirstRune indexes Protected by first rune; rebuilt when Protected is
// replaced (compared by length and first element, which is enough for a
// list set once at start-up).
func byFirstRune() map[rune][]string {
	protectedIndex.Lock()
	defer protectedIndex.Unlock()
	if protectedIndex.m == nil || protectedIndex.n != len(Protected) || (len(Protected) > 0 && protectedIndex.first != Protected[0]) {
		protectedIndex.m = map[rune][]string{}
		for _, w := range Protected {
			r, _ := utf8.DecodeRuneInString(w)
			protectedIndex.m[r] = append(protectedIndex.m[r], w)
		}
		protectedIndex.n = len(Protected)
		protectedIndex.gen++
		if len(Protected) > 0 {
			protectedIndex.first = Protected[0]
		}
	}
	return protectedIndex.m
}

var protectedIndex struct {
	sync.Mutex
	m     map[rune][]string
	n     int
	first string
	gen   uint64 // rebuilds so far: plans laid out before one are stale
}

// protectedGen changes whenever Protected was replaced since the last call.
func protectedGen() uint64 {
	byFirstRune()
	protectedIndex.Lock()
	defer protectedIndex.Unlock()
	return protectedIndex.gen
}
