package io.easyrpc.benchmark.soak;

import java.util.concurrent.CompletableFuture;

import io.easyrpc.RpcMethod;

/**
 * The soak service: each call names itself with an id that the server writes to its
 * execution log, so that calls executed twice and calls answered but never executed can
 * be counted afterwards.
 */
public interface Ledger {

	/** The service name. */
	String NAME = "Ledger";

	/**
	 * Credit an amount; safe to send again, so the client retries it and the server
	 * de-duplicates it by its idempotency key.
	 * @param callId the caller's id of this call
	 * @param amount the amount
	 * @return the amount credited
	 */
	@RpcMethod(idempotent = true)
	CompletableFuture<Long> credit(String callId, long amount);

	/**
	 * Credit an amount at most once: never retried or re-sent once it may have reached
	 * the server.
	 * @param callId the caller's id of this call
	 * @param amount the amount
	 * @return the amount credited
	 */
	CompletableFuture<Long> creditOnce(String callId, long amount);

}
