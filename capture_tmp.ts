import { phoneEnv } from "./tests/tui/phone_env.ts";
const out: string[] = [];
const world = await phoneEnv();
try {
  await world.addProfile("bob");
  await world.addProfile("alice", ["--display-name", "Alice Example"]);
  await world.addProfile("carol");
  await Deno.writeTextFile(`${world.env.XDG_CONFIG_HOME}/ringo/contacts.toml`, `[[contacts]]\nname = "Bob Builder"\nnumbers = ["bob", "+4915551234567"]\n\n[[contacts]]\nname = "Carol"\nnumbers = ["carol"]\n`);
  const bob = await world.headless("bob");
  const term = await world.terminal(90, 24);
  const shot = async (title: string, pred: RegExp | string) => {
    const s = await term.waitFor(pred);
    out.push(`### ${title}\n\n\`\`\`text\n${s}\n\`\`\`\n`);
  };
  await term.run(world.commandLine(["phone"]));
  await shot("Profile picker", "3 profiles");
  await term.keys("C-e");
  await shot("Profile form", "Edit profile");
  await term.keys("Escape"); await term.waitFor("3 profiles");
  await term.keys("Down"); await term.keys("Up");
  await term.keys("Enter");
  await term.waitFor(/● Registered\s+·\s+0 calls/);
  await term.keys("d"); await term.type("bob"); await term.keys("Enter");
  await term.waitFor("RINGING");
  await bob.control("accept");
  await term.waitFor(/MOS|RTCP/);
  await new Promise((r) => setTimeout(r, 6000));
  await shot("Call screen, one call established", /MOS/);
  await term.keys("i"); await shot("Call details (i)", "Call 1"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys("t"); await shot("Transfer line (t)", "Transfer to:"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys("b"); await term.waitFor(/0 calls/);
  await term.keys("f"); await shot("Contacts overlay (f)", "Contacts (2)"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys("c"); await shot("Call history overlay (c)", "Call history (1)"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys("C-r"); await shot("Dial history search (Ctrl+R)", "Dial history"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys("e"); await shot("Event log (e)", "Events"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys(":"); await term.type("h"); await term.keys("Tab"); await shot("Command bar (:)", ":hangup"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys("?"); await shot("Help (?)", "Keys"); await term.keys("Escape"); await new Promise((r) => setTimeout(r, 300));
  await term.keys("d"); await term.type("bob"); await term.keys("Enter");
  await term.waitFor("RINGING"); await bob.control("accept"); await term.waitFor(/\d\d:\d\d\s*$/m);
  await term.keys("q"); await shot("Quit with a call up (q)", "hang up and quit?"); await term.keys("y");
  await term.waitFor(/[#$]\s*$/);
} finally {
  await Deno.writeTextFile("/tmp/captures.md", out.join("\n"));
  await world.close();
}
