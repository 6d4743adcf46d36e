namespace DeepPassport.Schemes;

/// <summary>
/// The passport schemes: DeepIPR's (reference-spec §2) V1 passport layers only (the passport is needed at inference),
/// V2 a public and a private branch, V3 = V2 with trigger samples in every batch; Passport-aware Normalization (§3,
/// separate statistics and an MLP in the private branch); Steganographic Passport (§4.5, activation-level obfuscation).
/// </summary>
public enum PassportScheme { V1, V2, V3, Pan, Sp }
