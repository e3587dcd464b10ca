/** Base64 to bytes with the Web API `atob`, which workerd, Node and browsers all provide. */
export function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Evaluates `make` on first use only, so importing the app does not decode ~50 KB of fonts up front. */
export function lazy<T>(make: () => T): () => T {
  let value: { readonly current: T } | undefined;
  return () => {
    value ??= { current: make() };
    return value.current;
  };
}
