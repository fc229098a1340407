// Fedify 1.6 and later declare Node >= 22 and call ArrayBuffer.prototype.transfer
// (Node 21+). CI and the developers' machines have Node 20, so the peer gives it
// the method, with the standard's meaning for what Fedify uses it for (a copy of
// the bytes into a new buffer, leaving the old one in place: the old buffer is not
// detached, which Fedify does not rely on). Nothing else is patched.
if (typeof ArrayBuffer.prototype.transfer !== "function") {
  Object.defineProperty(ArrayBuffer.prototype, "transfer", {
    configurable: true,
    writable: true,
    value: function transfer(newLength = this.byteLength) {
      const out = new ArrayBuffer(newLength);
      new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(newLength, this.byteLength)));
      return out;
    },
  });
}
