// A small JSON call-control API over a WebSocket, the kind a contact-centre
// client drives (files named `_*.ts` are helpers, not scenarios). It runs in
// a mock server of the scenario and controls real agents:
//
//   → {"action":"originate","id":"c1","from":"A","to":"B"}
//   ← {"event":"originated","id":"c1"}  {"event":"ringing","id":"c1","agent":"B"}
//   → {"action":"answer","id":"c1"}     ← {"event":"answered","id":"c1"}
//   → {"action":"hold","id":"c1"}       ← {"event":"held","id":"c1"}
//   → {"action":"hangup","id":"c1"}     ← {"event":"hungup","id":"c1","reason":"…"}
//   anything else                       ← {"event":"error","id":…,"message":"…"}
import {
  type Agent,
  expect,
  type MockServer,
  mockServer,
  type MockSocket,
  State,
  until,
} from "@ringo/flow";

/** A command of the API. */
interface Command {
  action: string;
  id?: string;
  from?: string;
  to?: string;
}

/** A call the API placed: who called whom. */
interface Placed {
  caller: Agent;
  callee: Agent;
}

/**
 * Starts a mock server whose `/control` path takes WebSocket clients and
 * carries out their commands on `agents` (by name).
 */
export async function callControlApi(agents: Record<string, Agent>): Promise<MockServer> {
  const api = await mockServer();
  const calls = new Map<string, Placed>();

  const agentNamed = (name: string | undefined): Agent => {
    const found = name === undefined ? undefined : agents[name];
    if (!found) throw new Error(`no agent named ${JSON.stringify(name)}`);
    return found;
  };
  const callWithId = (id: string | undefined): Placed => {
    const found = id === undefined ? undefined : calls.get(id);
    if (!found) throw new Error(`no call with id ${JSON.stringify(id)}`);
    return found;
  };

  async function carryOut(socket: MockSocket, command: Command): Promise<void> {
    const id = command.id;
    switch (command.action) {
      case "originate": {
        const caller = agentNamed(command.from);
        const callee = agentNamed(command.to);
        calls.set(id!, { caller, callee });
        await caller.dial(callee);
        await socket.send({ event: "originated", id });
        await until(() => expect(callee.state).toBe(State.Ringing), "10s");
        await socket.send({ event: "ringing", id, agent: callee.name });
        return;
      }
      case "answer": {
        const { caller, callee } = callWithId(id);
        await callee.accept();
        await until(() => {
          expect(caller.state).toBe(State.Established);
          expect(callee.state).toBe(State.Established);
        });
        await socket.send({ event: "answered", id });
        return;
      }
      case "hold": {
        const { caller } = callWithId(id);
        await caller.hold();
        await until(() => expect(caller.held).toBe(true));
        await socket.send({ event: "held", id });
        return;
      }
      case "hangup": {
        const { caller, callee } = callWithId(id);
        await caller.hangup();
        await until(() => expect(callee.state).toBe(State.Idle));
        calls.delete(id!);
        await socket.send({ event: "hungup", id, reason: callee.reason ?? "" });
        return;
      }
      default:
        throw new Error(`unknown action ${JSON.stringify(command.action)}`);
    }
  }

  await api.websocket("/control", {
    async open(socket) {
      await socket.send({ event: "hello", agents: Object.keys(agents) });
    },
    async message(socket, message) {
      let command: Command | undefined;
      try {
        command = message.json<Command>();
        await carryOut(socket, command);
      } catch (error) {
        await socket.send({ event: "error", id: command?.id, message: (error as Error).message });
      }
    },
  });
  return api;
}
