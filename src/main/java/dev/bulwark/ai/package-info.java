/**
 * The AI gateway: calls to AI providers on an organisation's behalf. Every prompt passes the sanitiser
 * ({@link dev.bulwark.ai.sanitiser.Sanitiser}) before it leaves Bulwark (docs/ai-sanitiser.md).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"shared"})
package dev.bulwark.ai;
