package io.easyrpc.internal.client;

import java.util.List;

import io.easyrpc.internal.protocol.Metadata;

/**
 * Chooses the subchannel of each new call: where load-balancing policies plug in. Called
 * on the caller's thread for every call that is not pinned to a session's connection, so
 * it must be quick and must not block.
 */
@FunctionalInterface
public interface SubchannelPicker {

	/**
	 * Choose the subchannel of a call.
	 * @param options the options of the call
	 * @param metadata the metadata the call sends
	 * @return the subchannel, never {@code null}
	 */
	Subchannel pick(CallOptions options, Metadata metadata);

	/**
	 * Return a picker that prefers the first {@link Subchannel.State#READY} subchannel,
	 * then the first one that is idle or connecting, and otherwise the first one, whose
	 * failure then fails the call.
	 * @param subchannels the subchannels, at least one
	 * @return the picker
	 */
	static SubchannelPicker readyFirst(List<Subchannel> subchannels) {
		if (subchannels.isEmpty()) {
			throw new IllegalArgumentException("A picker needs at least one subchannel");
		}
		Subchannel[] candidates = subchannels.toArray(new Subchannel[0]);
		if (candidates.length == 1) {
			Subchannel only = candidates[0];
			return (options, metadata) -> only;
		}
		return (options, metadata) -> {
			Subchannel usable = null;
			for (Subchannel candidate : candidates) {
				Subchannel.State state = candidate.state();
				if (state == Subchannel.State.READY) {
					return candidate;
				}
				if (usable == null && (state == Subchannel.State.IDLE || state == Subchannel.State.CONNECTING)) {
					usable = candidate;
				}
			}
			return (usable != null) ? usable : candidates[0];
		};
	}

}
