package io.easyrpc.autoconfigure;

import org.springframework.util.unit.DataSize;

/**
 * Settings of payload compression on one side, under {@code easyrpc.server.compression}
 * or {@code easyrpc.client.compression}.
 */
public class PayloadCompressionProperties {

	/**
	 * Whether to compress payloads of at least 'threshold' with DEFLATE. The other side
	 * must enable it too.
	 */
	private boolean enabled;

	/**
	 * Smallest payload that is compressed; smaller ones are sent as they are, after a
	 * one-byte marker.
	 */
	private DataSize threshold = DataSize.ofKilobytes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DataSize getThreshold() {
		return this.threshold;
	}

	public void setThreshold(DataSize threshold) {
		this.threshold = threshold;
	}

}
