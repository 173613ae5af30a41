//go:build pg

package store_test

import (
	"testing"

	"github.com/transferguard/transferguard/dispatch/store"
)

func TestEffectivenessPostgres(t *testing.T) { testEffectiveness(t, store.PGDatabase(t)) }

func TestEffectSQLMatchesGoFoldPostgres(t *testing.T) {
	testEffectSQLMatchesGoFold(t, store.PGDatabase(t))
}

func TestEffectFollowsUpdatesPostgres(t *testing.T) { testEffectFollowsUpdates(t, store.PGDatabase(t)) }
