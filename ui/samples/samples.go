// Package samples holds realistic resolved screens, one per screen name and
// language, as the agent would send them. Layout tests, the Xvfb goldens,
// benchmarks and `tgscreen --preview` (until it is wired to the agent's
// own configuration) all draw these, so a layout change is judged on texts
// of real length rather than on "lorem ipsum".
package samples

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

//go:embed screens/*.json
var files embed.FS

// Names lists every screen a sample exists for, in the order the agent
// can show them: screen.Names plus the screens of CONTRACT §6, §7 and §15.
var Names = []wire.ScreenName{wire.ScreenStandby, wire.ScreenReminder, wire.ScreenQuestion,
	wire.ScreenTransferWarning, wire.ScreenHighRisk, wire.ScreenStopped, wire.ScreenHelpComing,
	wire.ScreenStaffComing, wire.ScreenStaffArrived}

// Langs are the languages every sample exists in, default first.
var Langs = []string{"zh", "en"}

// Get returns the sample screen name in lang.
func Get(name wire.ScreenName, lang string) (screen.Screen, error) {
	b, err := files.ReadFile(path.Join("screens", string(name)+"_"+lang+".json"))
	if err != nil {
		return screen.Screen{}, fmt.Errorf("samples: no screen %q in %q", name, lang)
	}
	var s screen.Screen
	if err := json.Unmarshal(b, &s); err != nil {
		return screen.Screen{}, fmt.Errorf("samples: decode %s_%s: %w", name, lang, err)
	}
	return s, nil
}

// All returns every sample in Names order, each language in Langs
// order. The samples are embedded and checked by a test, so it cannot fail.
func All() []screen.Screen {
	var out []screen.Screen
	for _, name := range Names {
		for _, lang := range Langs {
			if s, err := Get(name, lang); err == nil {
				out = append(out, s)
			}
		}
	}
	return out
}
