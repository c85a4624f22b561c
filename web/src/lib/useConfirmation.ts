import { useState } from 'react';

/**
 * A confirm dialog's flow: `confirm` runs the action and closes the dialog once it succeeds,
 * or keeps it open with the failure in words; closing forgets the failure.
 */
export function useConfirmation(onClose: () => void, describe: (error: unknown) => string) {
  const [failure, setFailure] = useState<string | null>(null);
  const close = () => {
    setFailure(null);
    onClose();
  };
  const confirm = async (action: () => Promise<void>) => {
    setFailure(null);
    try {
      await action();
      close();
    } catch (error) {
      setFailure(describe(error));
    }
  };
  return { failure, close, confirm };
}
