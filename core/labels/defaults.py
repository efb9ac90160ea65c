"""What a new user sees before changing anything: the seed demo's labels and examples."""

DEFAULT_LABELS: tuple[str, ...] = ("旅行", "料理", "踊り")

DEFAULT_EXAMPLES: tuple[str, ...] = (
    "そうだ京都に行こう!",
    "ラーメン二郎が大好きです。",
    "ブレイクダンスでダンスバトルです。",
    "京都でお番菜を食べた後に、日舞を見ます。",
)

# The answers a person expects for the seed's examples, so evaluation shows something at once.
DEFAULT_EXPECTED: dict[str, tuple[str, ...]] = {
    "そうだ京都に行こう!": ("旅行",),
    "ラーメン二郎が大好きです。": ("料理",),
    "ブレイクダンスでダンスバトルです。": ("踊り",),
    "京都でお番菜を食べた後に、日舞を見ます。": ("料理", "踊り"),
}
