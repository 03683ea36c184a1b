/**
 * The sanitiser of the AI gateway (docs/ai-sanitiser.md): scrubs secrets, card numbers, IBANs and personal data from a
 * prompt before it reaches an AI provider, and restores the personal-data placeholders in the answer.
 */
@org.springframework.modulith.NamedInterface("sanitiser")
package dev.bulwark.ai.sanitiser;
