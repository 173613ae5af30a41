//go:build pg

package store_test

import (
	"testing"

	"github.com/transferguard/transferguard/dispatch/store"
)

func TestEffectivenessPostgres(t *testing.T) { testEffectiveness(t, store.PGDatabase(t)) }
