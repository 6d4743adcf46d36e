namespace DeepPassport.Schemes;

/// <summary>
/// DeepIPR's schemes (reference-spec §2): V1 passport layers only (the passport is needed at inference), V2 a public
/// and a private branch, V3 = V2 with trigger samples in every batch.
/// </summary>
public enum PassportScheme { V1, V2, V3 }
