import assert from "node:assert/strict";
import {
  type ScenarioEntry,
  type Selected,
  SelectionError,
  selectScenarios,
  splitList,
  unmatchedPatterns,
} from "../../flow/select.ts";

const callAB: ScenarioEntry = { file: "call.ts", name: "A calls B", tags: ["smoke", "pbx"] };
const callBusy: ScenarioEntry = { file: "call.ts", name: "B is busy", tags: ["pbx", "slow"] };
const dtmf: ScenarioEntry = { file: "dtmf.ts", name: "DTMF digits", tags: ["slow"] };
const untagged: ScenarioEntry = { file: "misc.ts", name: "echo", tags: [] };
const all = [callAB, callBusy, dtmf, untagged];

/** Names with their verdicts, for compact assertions. */
function summary(selected: Selected<ScenarioEntry>[]): string[] {
  return selected.map((
    s,
  ) => (s.status === "run" ? s.scenario.name : `${s.scenario.name} (skip: ${s.reason})`));
}

Deno.test("without options every scenario runs, in input order", () => {
  assert.deepEqual(summary(selectScenarios(all)), [
    "A calls B",
    "B is busy",
    "DTMF digits",
    "echo",
  ]);
  assert.deepEqual(summary(selectScenarios(all, { scenario: [], tag: [], excludeTag: [] })), [
    "A calls B",
    "B is busy",
    "DTMF digits",
    "echo",
  ]);
});

Deno.test("--scenario keeps names given exactly or matched by re: patterns", async (t) => {
  await t.step("exact names", () => {
    assert.deepEqual(summary(selectScenarios(all, { scenario: ["echo", "B is busy"] })), [
      "B is busy",
      "echo",
    ]);
  });
  await t.step("a name must match whole, not as a substring", () => {
    assert.deepEqual(summary(selectScenarios(all, { scenario: ["calls"] })), []);
  });
  await t.step("re: patterns search the name", () => {
    assert.deepEqual(summary(selectScenarios(all, { scenario: ["re:^[AB] "] })), [
      "A calls B",
      "B is busy",
    ]);
    assert.deepEqual(summary(selectScenarios(all, { scenario: ["re:DIGITS|echo"] })), ["echo"]);
  });
  await t.step("an invalid or empty regex is a SelectionError saying what was expected", () => {
    assert.throws(() => selectScenarios(all, { scenario: ["re:("] }), (error) => {
      assert.ok(error instanceof SelectionError);
      assert.match(
        error.message,
        /^invalid --scenario pattern "re:\(": expected a regular expression after "re:" \(/,
      );
      return true;
    });
    assert.throws(() => selectScenarios(all, { scenario: ["re:"] }), SelectionError);
  });
});

Deno.test("--tag and --exclude-tag filter by tags, exclusion winning", async (t) => {
  await t.step("a scenario with any wanted tag is kept", () => {
    assert.deepEqual(summary(selectScenarios(all, { tag: ["smoke"] })), ["A calls B"]);
    assert.deepEqual(summary(selectScenarios(all, { tag: ["smoke", "slow"] })), [
      "A calls B",
      "B is busy",
      "DTMF digits",
    ]);
  });
  await t.step("entries may be comma-separated, with spaces", () => {
    assert.deepEqual(summary(selectScenarios(all, { tag: ["smoke, slow"] })), [
      "A calls B",
      "B is busy",
      "DTMF digits",
    ]);
  });
  await t.step("excluded tags leave scenarios out, untagged ones stay", () => {
    assert.deepEqual(summary(selectScenarios(all, { excludeTag: ["slow"] })), [
      "A calls B",
      "echo",
    ]);
  });
  await t.step("exclusion beats inclusion", () => {
    assert.deepEqual(summary(selectScenarios(all, { tag: ["pbx"], excludeTag: ["slow"] })), [
      "A calls B",
    ]);
  });
  await t.step("tags match case-sensitively", () => {
    assert.deepEqual(summary(selectScenarios(all, { tag: ["SMOKE"] })), []);
  });
  await t.step("--scenario and --tag must both match", () => {
    assert.deepEqual(
      summary(selectScenarios(all, { scenario: ["re:."], tag: ["slow"], excludeTag: ["pbx"] })),
      [
        "DTMF digits",
      ],
    );
  });
});

Deno.test("skip marks are reported as skipped with their reason", async (t) => {
  const skipped = [
    { ...callAB, skip: "PBX bug #12" },
    { ...callBusy, skip: true },
    { ...dtmf, skip: false },
    { ...untagged, skip: "  " },
  ];
  await t.step("the reason is the skip text, or 'marked skip'", () => {
    assert.deepEqual(summary(selectScenarios(skipped)), [
      "A calls B (skip: PBX bug #12)",
      "B is busy (skip: marked skip)",
      "DTMF digits",
      "echo (skip: marked skip)",
    ]);
  });
  await t.step("filtered-out skipped scenarios are not reported at all", () => {
    assert.deepEqual(summary(selectScenarios(skipped, { tag: ["slow"] })), [
      "B is busy (skip: marked skip)",
      "DTMF digits",
    ]);
  });
  await t.step("the selected entry is the input object itself", () => {
    const [first] = selectScenarios(skipped);
    assert.equal(first.scenario, skipped[0]);
  });
});

Deno.test("only narrows the run to the marked scenarios that pass the filters", async (t) => {
  await t.step("every unmarked scenario is left out, across files", () => {
    const focused = [callAB, { ...callBusy, only: true }, { ...dtmf, only: true }, untagged];
    assert.deepEqual(summary(selectScenarios(focused)), ["B is busy", "DTMF digits"]);
  });
  await t.step("an only scenario removed by a filter does not hide the others", () => {
    const focused = [callAB, { ...dtmf, only: true }];
    assert.deepEqual(summary(selectScenarios(focused, { scenario: ["A calls B"] })), ["A calls B"]);
    assert.deepEqual(summary(selectScenarios(focused, { excludeTag: ["slow"] })), ["A calls B"]);
  });
  await t.step("only together with skip is reported as skipped", () => {
    const focused = [callAB, { ...dtmf, only: true, skip: "flaky" }];
    assert.deepEqual(summary(selectScenarios(focused)), ["DTMF digits (skip: flaky)"]);
  });
  await t.step("skipped scenarios without only are left out too", () => {
    const focused = [{ ...callAB, skip: true }, { ...dtmf, only: true }];
    assert.deepEqual(summary(selectScenarios(focused)), ["DTMF digits"]);
  });
});

Deno.test("unmatchedPatterns lists --scenario patterns that match nothing", () => {
  assert.deepEqual(unmatchedPatterns(all, ["A cals B", "re:calls", "echo", "re:^zzz"]), [
    "A cals B",
    "re:^zzz",
  ]);
  assert.throws(() => unmatchedPatterns(all, ["re:["]), SelectionError);
});

Deno.test("splitList splits on commas, trims, and drops empty entries", () => {
  assert.deepEqual([...splitList(["smoke, pbx", "slow", "", " , "])], ["smoke", "pbx", "slow"]);
});
