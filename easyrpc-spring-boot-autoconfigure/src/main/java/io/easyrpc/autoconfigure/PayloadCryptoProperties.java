package io.easyrpc.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of payload encryption on one side, under {@code easyrpc.server.crypto} or
 * {@code easyrpc.client.crypto}.
 */
public class PayloadCryptoProperties {

	/**
	 * Whether to encrypt and authenticate every payload with AES-GCM. The other side must
	 * enable it too, with the same keys.
	 */
	private boolean enabled;

	/**
	 * AES keys by key id, base64-encoded, of 16, 24 or 32 bytes (for example the output
	 * of 'openssl rand -base64 32'). Incoming payloads may use any of them.
	 */
	private Map<String, String> keys = new LinkedHashMap<>();

	/**
	 * Id of the key, among 'keys', that encrypts outgoing payloads. May be left out when
	 * only one key is configured.
	 */
	private String keyId;

	/**
	 * Largest accepted difference between the timestamp of an incoming message and this
	 * side's clock; other messages are refused as stale. Nonces are remembered this long
	 * to refuse replays.
	 */
	private Duration maxSkew = Duration.ofSeconds(30);

	/**
	 * Largest number of nonces remembered to refuse replays (about 80 bytes each). When
	 * more messages arrive within max-skew, the oldest nonces are forgotten and messages
	 * no newer than them are refused as stale.
	 */
	private int replayCacheSize = 100_000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, String> getKeys() {
		return this.keys;
	}

	public void setKeys(Map<String, String> keys) {
		this.keys = keys;
	}

	public String getKeyId() {
		return this.keyId;
	}

	public void setKeyId(String keyId) {
		this.keyId = keyId;
	}

	public Duration getMaxSkew() {
		return this.maxSkew;
	}

	public void setMaxSkew(Duration maxSkew) {
		this.maxSkew = maxSkew;
	}

	public int getReplayCacheSize() {
		return this.replayCacheSize;
	}

	public void setReplayCacheSize(int replayCacheSize) {
		this.replayCacheSize = replayCacheSize;
	}

}
