/** The negotiated codec from an SDP answer. */
import { sdpCodec } from "../../phone/sdp.ts";
import { assertEquals } from "../assert.ts";

Deno.test("the first payload type of the audio line names the codec, by rtpmap or RFC 3551", () => {
  assertEquals(
    sdpCodec("v=0\r\nm=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"),
    "PCMA/8000",
  );
  assertEquals(sdpCodec("m=audio 4000 RTP/AVP 96 0\na=rtpmap:96 opus/48000/2\n"), "opus/48000/2");
  assertEquals(sdpCodec("v=0\r\nm=video 4000 RTP/AVP 96\r\n"), undefined);
});
