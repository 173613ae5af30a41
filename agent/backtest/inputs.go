package backtest

import (
	"encoding/json"
	"fmt"

	"github.com/transferguard/transferguard/agent/rules"
)

// inputKeys are rules.Inputs' wire names (its json tags; a test checks
// that the two lists agree).
var inputKeys = []string{"channel", "fn", "age", "region", "lang", "amount_minor", "amount", "currency",
	"payee_set", "payee_new", "payee_listed", "phone_call", "phone_seen", "phone_listed", "confirmed",
	"transfers", "cancels", "hour", "weekday", "session_s", "func_s", "sensors", "pause_s", "attempts",
	"phone_on_s", "answers", "card_24h", "site_region"}

// cardKeys are rules.CardHistory's wire names.
var cardKeys = []string{"transfers", "amount_minor", "min_minor", "max_minor"}

// replay is rules.Replay over the reader: it decodes a trace's snapshots
// in order into one Inputs and calls fn with each whole Env. A snapshot
// without sensors or answers keeps the previous map. While fn runs,
// rd.changed has bit i set for each inputKeys[i] the snapshot holds: an
// input whose bit is clear is the same as at the previous call. fn must
// not keep env past the call.
func (rd *reader) replay(snapshots []json.RawMessage, fn func(env *rules.Env)) error {
	cur := &rd.cur
	*cur = rules.Inputs{}
	for i, raw := range snapshots {
		prevSensors, prevAnswers := cur.Sensors, cur.Answers
		cur.Sensors, cur.Answers = nil, nil
		rd.changed = 0
		if err := rd.snapshot(raw, cur); err != nil {
			return fmt.Errorf("inputs snapshot %d: %w", i, err)
		}
		if cur.Sensors == nil {
			cur.Sensors = prevSensors
		}
		if cur.Answers == nil {
			cur.Answers = prevAnswers
		}
		rd.env = rules.Env(*cur)
		fn(&rd.env)
	}
	return nil
}

// snapshot decodes raw into cur as json.Unmarshal(raw, cur) does.
func (rd *reader) snapshot(raw []byte, cur *rules.Inputs) error {
	rd.s = scanner{b: raw}
	var err error
	switch rd.s.peek() {
	case '{':
		err = rd.s.object(func(key []byte, plain bool) error { return rd.input(key, plain, cur) })
	case 'n':
		err = rd.s.literal("null")
	default:
		if err = rd.s.skip(); err == nil {
			err = rd.s.fail(errType)
		}
	}
	if err != nil {
		return err
	}
	return rd.s.end()
}

// input decodes one member of a snapshot into in.
func (rd *reader) input(key []byte, plain bool, in *rules.Inputs) error {
	i, err := matchKey(key, plain, inputKeys)
	if err != nil {
		return err
	} else if i < 0 {
		return rd.s.skip()
	}
	rd.changed |= 1 << i
	switch name := inputKeys[i]; name {
	case "channel", "fn", "region", "lang", "currency", "site_region":
		return rd.str(inputString(name, in), true)
	case "age", "transfers", "cancels", "hour", "weekday", "attempts":
		return rd.int(inputInt(name, in))
	case "amount_minor":
		return rd.int64(&in.AmountMinor)
	case "amount", "session_s", "func_s", "pause_s", "phone_on_s":
		return rd.float(inputFloat(name, in))
	case "payee_set", "payee_new", "payee_listed", "phone_call", "phone_seen", "phone_listed", "confirmed":
		return rd.bool(inputBool(name, in))
	case "sensors":
		return rd.sensors(&in.Sensors)
	case "answers":
		return rd.answers(&in.Answers)
	case "card_24h":
		return rd.card(&in.Card24h)
	}
	return nil // not reached: every input key has a case
}

func inputString(name string, in *rules.Inputs) *string {
	switch name {
	case "channel":
		return &in.Channel
	case "fn":
		return &in.Fn
	case "region":
		return &in.Region
	case "lang":
		return &in.Lang
	case "currency":
		return &in.Currency
	}
	return &in.SiteRegion
}

func inputInt(name string, in *rules.Inputs) *int {
	switch name {
	case "age":
		return &in.Age
	case "transfers":
		return &in.Transfers
	case "cancels":
		return &in.Cancels
	case "hour":
		return &in.Hour
	case "weekday":
		return &in.Weekday
	}
	return &in.Attempts
}

func inputFloat(name string, in *rules.Inputs) *float64 {
	switch name {
	case "amount":
		return &in.Amount
	case "session_s":
		return &in.SessionS
	case "func_s":
		return &in.FuncS
	case "pause_s":
		return &in.PauseS
	}
	return &in.PhoneOnS
}

func inputBool(name string, in *rules.Inputs) *bool {
	switch name {
	case "payee_set":
		return &in.PayeeSet
	case "payee_new":
		return &in.PayeeNew
	case "payee_listed":
		return &in.PayeeListed
	case "phone_call":
		return &in.PhoneCall
	case "phone_seen":
		return &in.PhoneSeen
	case "phone_listed":
		return &in.PhoneListed
	}
	return &in.Confirmed
}

func (rd *reader) int64(dst *int64) error {
	n, ok, err := rd.integer(64)
	if ok {
		*dst = n
	}
	return err
}

// float decodes a number into dst; null leaves dst as it is.
func (rd *reader) float(dst *float64) error {
	switch c := rd.s.peek(); {
	case c == 'n':
		return rd.s.literal("null")
	case c == '-' || isDigit(c):
		tok, integer, err := rd.s.num()
		if err != nil {
			return err
		}
		if *dst, err = parseFloat(tok, integer); err != nil {
			return rd.s.fail(err)
		}
		return nil
	}
	return rd.s.fail(errType)
}

// bool decodes true or false into dst; null leaves dst as it is.
func (rd *reader) bool(dst *bool) error {
	switch rd.s.peek() {
	case 'n':
		return rd.s.literal("null")
	case 't':
		*dst = true
		return rd.s.literal("true")
	case 'f':
		*dst = false
		return rd.s.literal("false")
	}
	return rd.s.fail(errType)
}

// sensors decodes an object of booleans into dst as encoding/json does
// into a map: null sets nil, members are added to the map there (a new
// one when dst is nil), a null member value is false. An empty object on
// a nil dst gives the reader's shared empty map, which nothing writes:
// a map is made only for a member, and never added to once empty.
func (rd *reader) sensors(dst *map[string]bool) error {
	return rd.mapOf(func() { *dst = nil }, func() bool { return *dst == nil }, func() { *dst = rd.noSensors },
		func(k string) error {
			var v bool
			if err := rd.bool(&v); err != nil {
				return err
			}
			if len(*dst) == 0 {
				*dst = map[string]bool{}
			}
			(*dst)[k] = v
			return nil
		})
}

// answers is sensors for an object of strings ("" for a null member).
func (rd *reader) answers(dst *map[string]string) error {
	return rd.mapOf(func() { *dst = nil }, func() bool { return *dst == nil }, func() { *dst = rd.noAnswers },
		func(k string) error {
			var v string
			if err := rd.str(&v, true); err != nil {
				return err
			}
			if len(*dst) == 0 {
				*dst = map[string]string{}
			}
			(*dst)[k] = v
			return nil
		})
}

// mapOf reads null (setNil) or an object, calling member with each key;
// isNil and setEmpty give an empty object its map.
func (rd *reader) mapOf(setNil func(), isNil func() bool, setEmpty func(), member func(k string) error) error {
	if null, err := rd.s.null(); null || err != nil {
		setNil()
		return err
	}
	if rd.s.peek() != '{' {
		return rd.s.fail(errType)
	}
	err := rd.s.object(func(tok []byte, plain bool) error {
		k := ""
		if plain {
			k = rd.intern(tok[1 : len(tok)-1])
		} else {
			var err error
			if k, err = unquote(tok); err != nil {
				return err
			}
		}
		return member(k)
	})
	if isNil() {
		setEmpty()
	}
	return err
}

// card decodes a card history as rules.CardHistory's UnmarshalJSON does:
// null changes nothing, members overwrite only their own fields.
func (rd *reader) card(dst *rules.CardHistory) error {
	if null, err := rd.s.null(); null || err != nil {
		return err
	}
	if rd.s.peek() != '{' {
		return rd.s.fail(errType)
	}
	return rd.s.object(func(key []byte, plain bool) error {
		i, err := matchKey(key, plain, cardKeys)
		if err != nil {
			return err
		} else if i < 0 {
			return rd.s.skip()
		}
		switch cardKeys[i] {
		case "transfers":
			return rd.int(&dst.Transfers)
		case "amount_minor":
			return rd.int64(&dst.AmountMinor)
		case "min_minor":
			return rd.int64(&dst.MinMinor)
		}
		return rd.int64(&dst.MaxMinor)
	})
}
