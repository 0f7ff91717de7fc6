package io.easyrpc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import io.easyrpc.middleware.CallInfo;
import io.easyrpc.middleware.CallObservation;
import org.jspecify.annotations.Nullable;

/**
 * The observers of one side's calls, client or server: starts the observation of a call
 * with each of them and hands back one {@link CallObservation} for all.
 *
 * @param <O> the observer type of the side
 */
public final class CallObservers<O> {

	private final List<O> observers;

	private final BiFunction<O, CallInfo, @Nullable CallObservation> start;

	/**
	 * Create the observers of one side.
	 * @param observers the observers, copied
	 * @param start how an observer starts the observation of a call
	 */
	public CallObservers(List<O> observers, BiFunction<O, CallInfo, @Nullable CallObservation> start) {
		this.observers = List.copyOf(observers);
		this.start = start;
	}

	/**
	 * Return the observers.
	 * @return the observers, unmodifiable
	 */
	public List<O> observers() {
		return this.observers;
	}

	/**
	 * Return whether there is no observer, so that a call need not describe itself.
	 * @return {@code true} without observers
	 */
	public boolean isEmpty() {
		return this.observers.isEmpty();
	}

	/**
	 * Start observing a call with every observer.
	 * @param call the call
	 * @return the observation of all observers, or {@code null} without observers
	 */
	public @Nullable CallObservation start(CallInfo call) {
		int count = this.observers.size();
		if (count == 0) {
			return null;
		}
		if (count == 1) {
			return this.start.apply(this.observers.get(0), call);
		}
		List<CallObservation> observations = new ArrayList<>(count);
		for (O observer : this.observers) {
			observations.add(this.start.apply(observer, call));
		}
		return CallObservation.of(observations);
	}

}
