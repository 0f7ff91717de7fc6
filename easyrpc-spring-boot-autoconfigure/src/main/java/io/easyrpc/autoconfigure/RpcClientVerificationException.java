package io.easyrpc.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when {@code verify-on-start: fail} found clients that do not match
 * their servers, servers that could not be asked, or targets that could not be checked.
 */
public class RpcClientVerificationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final List<String> problems;

	/**
	 * Create an exception.
	 * @param problems one sentence per problem
	 */
	public RpcClientVerificationException(List<String> problems) {
		super("easyrpc clients failed their start-up check:\n  - " + String.join("\n  - ", problems));
		this.problems = List.copyOf(problems);
	}

	/**
	 * Return the problems found.
	 * @return one sentence per problem
	 */
	public List<String> getProblems() {
		return this.problems;
	}

}
