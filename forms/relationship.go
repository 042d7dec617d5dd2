package forms

import "slices"

// relationships are the ways people write a proxy's relationship to the
// person (本人との関係) on these forms: family by the usual words, and the
// others who may act for someone.
var relationships = []string{
	"妻", "夫", "配偶者", "子", "長男", "次男", "三男", "長女", "次女", "三女", "息子", "娘",
	"父", "母", "実父", "実母", "義父", "義母", "兄", "姉", "弟", "妹", "兄弟", "姉妹",
	"義兄", "義姉", "義弟", "義妹", "孫", "祖父", "祖母", "叔父", "叔母", "伯父", "伯母",
	"甥", "姪", "いとこ", "従兄弟", "従姉妹", "嫁", "婿", "親族", "親戚", "同居人", "同居者",
	"友人", "知人", "代理人", "後見人", "保佐人", "補助人", "施設職員", "職員", "ヘルパー", "介護者",
}

// KnownRelationship reports whether s, as read from 本人との関係 (spacing
// ignored), is one of the ways people write it: a read relationship that is
// none of them was misread (妻 read as 要), or is rare enough for a person
// to look at.
func KnownRelationship(s string) bool {
	return slices.Contains(relationships, CompactText(s))
}

// Relationships are the ways people write 本人との関係 that
// KnownRelationship knows, for a reader to choose among.
func Relationships() []string {
	return slices.Clone(relationships)
}
